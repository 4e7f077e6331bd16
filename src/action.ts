import { runAction } from './action/main.js'

void runAction()
